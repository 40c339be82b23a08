package ai.dexto.gateway.sim.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything the simulated Auth remembers: users, sessions with their refresh tokens (SHA-256 hashes
 * only) and the signing keys. Callers hold its monitor for every read-modify-write; a persistent state
 * is written to its file (owner-only, atomically replaced) after every change, so a restart on kept
 * data signs the same users in and verifies the tokens it issued before.
 */
final class AuthState {
    /** A session: its current refresh token and every one it used up (reuse of those revokes it). */
    static final class Session {
        final String id;
        final String userId;
        String refreshHash;
        final Set<String> usedHashes = new HashSet<>();

        Session(String id, String userId, String refreshHash) {
            this.id = id;
            this.userId = userId;
            this.refreshHash = refreshHash;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    final Map<String, AuthUser> usersById = new LinkedHashMap<>();
    final Map<String, String> userIdByEmail = new HashMap<>();
    final Map<String, Session> sessions = new LinkedHashMap<>();
    /** Current and used refresh-token hashes → session id. */
    final Map<String, String> sessionByRefreshHash = new HashMap<>();
    final SigningKeys keys;

    private AuthState(Path file, SigningKeys keys) {
        this.file = file;
        this.keys = keys;
    }

    static AuthState inMemory() {
        return new AuthState(null, SigningKeys.fresh());
    }

    @SuppressWarnings("unchecked")
    static AuthState persistent(Path file) {
        if (!Files.exists(file)) {
            AuthState state = new AuthState(file, SigningKeys.fresh());
            state.save();
            return state;
        }
        try {
            Map<String, Object> saved = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
            AuthState state = new AuthState(file,
                    SigningKeys.restore((List<Map<String, Object>>) saved.getOrDefault("signing_keys", List.of())));
            for (Map<String, Object> u : (List<Map<String, Object>>) saved.getOrDefault("users", List.of())) {
                state.addUser(AuthUser.restore(u));
            }
            for (Map<String, Object> s : (List<Map<String, Object>>) saved.getOrDefault("sessions", List.of())) {
                Session session = new Session((String) s.get("id"), (String) s.get("user_id"),
                        (String) s.get("refresh_hash"));
                session.usedHashes.addAll((List<String>) s.getOrDefault("used_hashes", List.of()));
                state.addSession(session);
            }
            return state;
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("cannot read the saved auth state in " + file, e);
        }
    }

    static String normalEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    AuthUser userByEmail(String email) {
        String id = userIdByEmail.get(normalEmail(email));
        return id == null ? null : usersById.get(id);
    }

    void addUser(AuthUser user) {
        usersById.put(user.id, user);
        userIdByEmail.put(normalEmail(user.email), user.id);
    }

    void addSession(Session session) {
        sessions.put(session.id, session);
        sessionByRefreshHash.put(session.refreshHash, session.id);
        for (String used : session.usedHashes) {
            sessionByRefreshHash.put(used, session.id);
        }
    }

    void removeSession(Session session) {
        sessions.remove(session.id);
        sessionByRefreshHash.remove(session.refreshHash);
        session.usedHashes.forEach(sessionByRefreshHash::remove);
    }

    /** Writes the whole state; a no-op in memory. */
    void save() {
        if (file == null) {
            return;
        }
        Map<String, Object> saved = new LinkedHashMap<>();
        saved.put("signing_keys", keys.toSaved());
        List<Map<String, Object>> users = new ArrayList<>();
        usersById.values().forEach(u -> users.add(u.toSaved()));
        saved.put("users", users);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Session s : sessions.values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", s.id);
            entry.put("user_id", s.userId);
            entry.put("refresh_hash", s.refreshHash);
            entry.put("used_hashes", new ArrayList<>(s.usedHashes));
            list.add(entry);
        }
        saved.put("sessions", list);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            JSON.writeValue(tmp.toFile(), saved);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the auth state to " + file, e);
        }
    }
}
