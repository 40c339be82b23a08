// The runtime configuration the control plane serves: where the API and Supabase Auth are.
let loaded;

export function config() {
  loaded ??= fetch('/config.json', { headers: { Accept: 'application/json' } }).then((r) => {
    if (!r.ok) throw new Error(`The dashboard's configuration could not be loaded (${r.status}).`);
    return r.json();
  });
  return loaded;
}

/** The API base URL: the configured one, or the origin that served this page. */
export async function apiBase() {
  const c = await config();
  return c.apiUrl || window.location.origin;
}
