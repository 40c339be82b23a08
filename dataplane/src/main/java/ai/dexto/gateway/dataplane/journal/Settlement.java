package ai.dexto.gateway.dataplane.journal;

import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.dataplane.credit.UserAccount;

/**
 * What one finished request hands the journal: the event to write (a draft owned by the request),
 * the account to settle, and the reservation to turn into spend.
 */
public final class Settlement {
    public final UsageEvent draft = new UsageEvent();
    public UserAccount account;
    public long reservedNanos;
}
