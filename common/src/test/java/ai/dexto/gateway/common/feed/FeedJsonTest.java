package ai.dexto.gateway.common.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FeedJsonTest {
    private final ObjectMapper json = Json.newMapper();

    @Test
    void snapshotRoundTripsWithSnakeCaseFields() throws Exception {
        FeedSnapshot snapshot = new FeedSnapshot(42,
                List.of(new FeedTier("free", 60, 10, false)),
                List.of(new FeedUser("u1", "free", 10_000_000_000L, 7, "c2VhbGVk")),
                List.of(new FeedKey("ab".repeat(32), 3, "u1", FeedKey.ACTIVE, 41)));
        String text = json.writeValueAsString(snapshot);
        assertTrue(text.contains("\"balance_nanos\":10000000000"), text);
        assertTrue(text.contains("\"key_hash\""), text);
        assertTrue(text.contains("\"version\":41"), text);
        assertEquals(snapshot, json.readValue(text, FeedSnapshot.class));
    }

    @Test
    void changesToleratesFieldsANewerControlPlaneAdds() throws Exception {
        String text = "{\"cursor\":5,\"resnapshot\":false,\"tiers\":[],\"users\":[],"
                + "\"keys\":[{\"key_hash\":\"h\",\"key_id\":1,\"user_id\":\"u\",\"status\":\"revoked\",\"extra\":1}],"
                + "\"future_field\":true}";
        FeedChanges changes = json.readValue(text, FeedChanges.class);
        assertEquals(5, changes.cursor());
        assertEquals(false, changes.keys().get(0).isActive());
    }

    @Test
    void theNodeCountTravelsAsActiveNodesAndIsAtLeastOne() throws Exception {
        FeedSnapshot snapshot = new FeedSnapshot(1, List.of(), List.of(), List.of()).withActiveNodes(3);
        String text = json.writeValueAsString(snapshot);
        assertTrue(text.contains("\"active_nodes\":3"), text);
        assertEquals(3, json.readValue(text, FeedSnapshot.class).activeNodes());
        FeedChanges changes = new FeedChanges(2, false, List.of(), List.of(), List.of()).withActiveNodes(0);
        assertEquals(1, changes.activeNodes(), "the asking node itself always counts");
        assertEquals(2, json.readValue("{\"cursor\":2,\"resnapshot\":false,\"tiers\":[],\"users\":[],"
                + "\"keys\":[],\"active_nodes\":2}", FeedChanges.class).activeNodes());
    }

    @Test
    void aKeyWithoutVersionReadsAsVersionZeroAndNeverSupersedesANewerOne() throws Exception {
        KeyLookup lookup = json.readValue("{\"key\":{\"key_hash\":\"h\",\"key_id\":1,\"user_id\":\"u\","
                + "\"status\":\"active\"},\"user\":null}", KeyLookup.class);
        assertEquals(0, lookup.key().version());
        FeedKey revoked = new FeedKey("h", 1, "u", FeedKey.REVOKED, 9);
        FeedKey staleActive = new FeedKey("h", 1, "u", FeedKey.ACTIVE, 8);
        assertFalse(staleActive.supersedes(revoked));
        assertTrue(revoked.supersedes(staleActive));
        assertTrue(revoked.supersedes(null));
        assertEquals(9, json.readValue(json.writeValueAsString(new KeyLookup(revoked, null)), KeyLookup.class)
                .key().version());
    }
}
