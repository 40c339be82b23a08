package ai.dexto.gateway.controlplane.resources;

import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.KeyLookup;
import ai.dexto.gateway.controlplane.auth.StaticTokenAuth;
import ai.dexto.gateway.controlplane.errors.ApiException;
import ai.dexto.gateway.controlplane.feed.FeedNodes;
import ai.dexto.gateway.controlplane.feed.FeedNotifier;
import ai.dexto.gateway.controlplane.feed.FeedReader;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.regex.Pattern;

/**
 * The data plane's list+watch feed under {@code /internal}, bearer {@code DEXTO_INTERNAL_TOKEN}
 * (docs/contracts.md). {@code changes} long-polls: a waiting reader is woken in-process right after a
 * changing commit, and re-checks the database at least every second (changes made by another
 * control-plane instance).
 */
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
public final class FeedResource {
    static final int MAX_WAIT_SECONDS = 30;
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final StaticTokenAuth internal;
    private final FeedReader feed;
    private final FeedNotifier notifier;
    private final FeedNodes nodes;

    public FeedResource(StaticTokenAuth internal, FeedReader feed, FeedNotifier notifier, FeedNodes nodes) {
        this.internal = internal;
        this.feed = feed;
        this.notifier = notifier;
        this.nodes = nodes;
    }

    @GET
    @Path("/feed/snapshot")
    public FeedSnapshot snapshot(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                 @QueryParam("node") String node) {
        internal.require(authorization);
        String n = node(node);
        nodes.seen(n);
        return feed.snapshot(n).withActiveNodes(nodes.active());
    }

    @GET
    @Path("/feed/changes")
    public FeedChanges changes(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                               @QueryParam("node") String node, @QueryParam("since") String since,
                               @QueryParam("wait") String wait) throws InterruptedException {
        internal.require(authorization);
        String n = node(node);
        nodes.seen(n);
        long from = number(since, "since", 0, Long.MAX_VALUE, -1);
        long waitSeconds = Math.min(MAX_WAIT_SECONDS, number(wait, "wait", 0, Long.MAX_VALUE, 0));
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        while (true) {
            long seen = notifier.generation();
            FeedChanges changes = feed.changes(n, from);
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (changes.resnapshot() || changes.cursor() != from || leftMillis <= 0 || notifier.closed()) {
                return changes.withActiveNodes(nodes.active());
            }
            notifier.awaitAfter(seen, Math.min(leftMillis, 1_000));
        }
    }

    @GET
    @Path("/keys/{hash}")
    public KeyLookup key(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                         @PathParam("hash") String hash, @QueryParam("node") String node) {
        internal.require(authorization);
        String n = node(node);
        if (!HASH.matcher(hash).matches()) {
            throw ApiException.notFound("No such key");
        }
        KeyLookup found = feed.lookup(hash, n);
        if (found == null) {
            throw ApiException.notFound("No such key");
        }
        return found;
    }

    private static String node(String node) {
        if (node == null || !NODE.matcher(node).matches()) {
            throw ApiException.badRequest("invalid_node", "node is required (letters, digits, . _ -)");
        }
        return node;
    }

    private static long number(String text, String name, long min, long max, long absent) {
        if (text == null || text.isBlank()) {
            if (absent >= 0) {
                return absent;
            }
            throw ApiException.badRequest("invalid_" + name, name + " is required");
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("invalid_" + name, name + " must be an integer from " + min + " to " + max);
    }
}
