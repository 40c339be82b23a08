package ai.dexto.gateway.controlplane.journal;

import com.codahale.metrics.health.HealthCheck;
import java.util.Map;

/** Unhealthy when a journal is further behind than allowed, its drain keeps failing, or it halted. */
public final class DrainHealthCheck extends HealthCheck {
    private final JournalDrain drain;
    private final long maxLagSeconds;

    public DrainHealthCheck(JournalDrain drain, long maxLagSeconds) {
        this.drain = drain;
        this.maxLagSeconds = maxLagSeconds;
    }

    @Override
    protected Result check() {
        StringBuilder problems = new StringBuilder();
        drain.halted().forEach((id, why) -> problems.append("drain halted: ").append(why).append("; "));
        for (Map.Entry<String, long[]> e : drain.status().entrySet()) {
            long[] s = e.getValue();
            if (s[1] > maxLagSeconds) {
                problems.append(e.getKey()).append(" is ").append(s[1]).append(" s behind (").append(s[0])
                        .append(" events); ");
            }
            if (s[2] >= 3) {
                problems.append(e.getKey()).append(" failed ").append(s[2]).append(" times in a row; ");
            }
        }
        if (problems.length() > 0) {
            return Result.unhealthy(problems.toString());
        }
        return Result.healthy("%d journals, %d events behind", drain.status().size(), drain.eventsBehind());
    }
}
