import { accessToken } from '../session.js';

accessToken().then((token) => window.location.replace(token ? '/billing' : '/login'));
