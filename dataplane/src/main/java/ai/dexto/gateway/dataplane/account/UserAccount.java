package ai.dexto.gateway.dataplane.account;

import ai.dexto.gateway.common.logging.LogFields;
import ai.dexto.gateway.dataplane.ratelimit.TokenBucket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One user's money and limits as this node sees them.
 *
 * <p>Spendable = feed balance − this node's spend not yet applied by the control plane − open
 * reservations. The last two live in one {@link AtomicLong} ({@code committed}) so a reservation is a
 * single CAS against the balance: however many requests race, a node never commits more than the
 * balance it was told. Spend is remembered by {@code nodeSequence} until the feed reports it applied
 * (then the feed balance already contains it and it is dropped from {@code committed}).
 */
public final class UserAccount {
    /** Opens a sealed upstream key; null when it does not open. */
    public interface KeyOpener {
        String open(String userId, String sealed);
    }

    private static final String UNOPENABLE = new String("unopenable");

    private final String userId;
    private volatile String logId;
    private final AtomicLong committed = new AtomicLong();
    private final UnappliedSpend unapplied = new UnappliedSpend();
    private volatile long balanceNanos;
    private volatile long appliedSequence;
    private volatile String tier;
    private volatile TokenBucket bucket;
    private volatile SealedKey sealedKey;

    public UserAccount(String userId) {
        this.userId = userId;
    }

    public String userId() {
        return userId;
    }

    /** A stable hash of the user id for logs: lets operators correlate without exposing the id. */
    public String logId() {
        String l = logId;
        if (l == null) {
            l = LogFields.userHash(userId);
            logId = l;
        }
        return l;
    }

    public long balanceNanos() {
        return balanceNanos;
    }

    public long appliedSequence() {
        return appliedSequence;
    }

    public String tier() {
        return tier;
    }

    public TokenBucket bucket() {
        return bucket;
    }

    /**
     * The plaintext upstream key, opened on first use and kept: a node holding a million users opens
     * only the keys of those who call (AES-GCM at start-up for all of them took most of the snapshot's
     * apply time and ~100 bytes each).
     */
    public String upstreamKey() {
        SealedKey s = sealedKey;
        return s == null ? null : s.plaintext(userId);
    }

    /** The sealed form of the upstream key this node holds (what the upstream-key heal reports as refused). */
    public String sealedUpstreamKey() {
        SealedKey k = sealedKey;
        return k == null ? null : k.ciphertext;
    }

    /** Takes a new sealed upstream key (a heal's answer); false when it is the one already held. */
    public boolean replaceSealedKey(String ciphertext, KeyOpener keyOpener) {
        SealedKey current = sealedKey;
        if (ciphertext == null || current != null && ciphertext.equals(current.ciphertext)) {
            return false;
        }
        sealedKey = new SealedKey(ciphertext, keyOpener);
        return true;
    }

    public long spendable() {
        return balanceNanos - committed.get();
    }

    /** Committed = unapplied spend + open reservations; for tests and metrics. */
    public long committed() {
        return committed.get();
    }

    /**
     * Reserves {@code amount} if the spendable balance covers it.
     *
     * @return the spendable balance after the reservation, or {@link Long#MIN_VALUE} when refused
     */
    public long tryReserve(long amount) {
        while (true) {
            long c = committed.get();
            long after = balanceNanos - c - amount;
            if (amount < 0 || after < 0) {
                return Long.MIN_VALUE;
            }
            if (committed.compareAndSet(c, c + amount)) {
                return after;
            }
        }
    }

    public void release(long reserved) {
        committed.addAndGet(-reserved);
    }

    /**
     * Turns a reservation into spend: releases {@code reserved} and records {@code billed} under the
     * journal's {@code nodeSequence} until the feed reports that sequence applied.
     */
    public void settle(long reserved, long billed, long nodeSequence) {
        if (billed > 0 && nodeSequence > appliedSequence) {
            unapplied.add(nodeSequence, billed);
            committed.addAndGet(billed - reserved);
        } else {
            committed.addAndGet(-reserved);
        }
    }

    /** A new bucket of the same tier (the number of nodes sharing the limit changed). */
    public void replaceBucket(TokenBucket fresh) {
        bucket = fresh;
    }

    /** Applies the control plane's view; the balance first, so spendable is briefly low, never high. */
    public void applyFeed(long balance, long appliedSeq, String tierName, TokenBucket freshBucket,
                          String ciphertext, KeyOpener keyOpener) {
        balanceNanos = balance;
        if (appliedSeq > appliedSequence) {
            appliedSequence = appliedSeq;
        }
        long freed = unapplied.removeUpTo(appliedSeq);
        if (freed != 0) {
            committed.addAndGet(-freed);
        }
        if (tierName != null && !tierName.equals(tier)) {
            tier = tierName;
            bucket = freshBucket;
        } else if (tier == null) {
            tier = tierName;
            bucket = freshBucket;
        }
        SealedKey current = sealedKey;
        if (ciphertext == null) {
            sealedKey = null;
        } else if (current == null || !ciphertext.equals(current.ciphertext)) {
            sealedKey = new SealedKey(ciphertext, keyOpener);
        }
    }

    /**
     * One sealed key and its plaintext once opened. Replaced whole when the ciphertext changes, so a
     * reader opening the old key can never store its plaintext over a newer key.
     */
    private static final class SealedKey {
        final String ciphertext;
        final KeyOpener opener;
        volatile String plaintext;

        SealedKey(String ciphertext, KeyOpener opener) {
            this.ciphertext = ciphertext;
            this.opener = opener;
        }

        String plaintext(String userId) {
            String p = plaintext;
            if (p == null) {
                p = opener == null ? null : opener.open(userId, ciphertext);
                p = p == null ? UNOPENABLE : p;
                plaintext = p;
            }
            return p == UNOPENABLE ? null : p;
        }
    }

    /** Spend this node journaled that the control plane has not applied yet, by sequence. */
    static final class UnappliedSpend {
        private static final long[] NONE = new long[0];
        // allocated on first spend: most users of a large node never spend on it
        private long[] sequences = NONE;
        private long[] amounts = NONE;
        private int size;

        synchronized void add(long sequence, long amount) {
            if (size == sequences.length) {
                int grown = Math.max(16, size * 2);
                sequences = java.util.Arrays.copyOf(sequences, grown);
                amounts = java.util.Arrays.copyOf(amounts, grown);
            }
            sequences[size] = sequence;
            amounts[size] = amount;
            size++;
        }

        synchronized long removeUpTo(long appliedSequence) {
            long freed = 0;
            int w = 0;
            for (int r = 0; r < size; r++) {
                if (sequences[r] <= appliedSequence) {
                    freed += amounts[r];
                } else {
                    sequences[w] = sequences[r];
                    amounts[w] = amounts[r];
                    w++;
                }
            }
            size = w;
            return freed;
        }
    }
}
