package ai.dexto.gateway.dataplane.leaks;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps every {@code LEAK:} report of Netty's {@code ResourceLeakDetector} (logback appender on its
 * logger, see {@code logback-test.xml}) until {@link NoLeaksExtension} takes them. The reports are
 * static because logback, not the test, creates the appender; one test JVM is one log.
 */
public final class LeakLog extends AppenderBase<ILoggingEvent> {
    private static final ConcurrentLinkedQueue<String> REPORTS = new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message != null && message.contains("LEAK:")) {
            REPORTS.add(message);
        }
    }

    /** The reports since the last call, oldest first. */
    public static List<String> drain() {
        List<String> out = new ArrayList<>();
        String r;
        while ((r = REPORTS.poll()) != null) {
            out.add(r);
        }
        return out;
    }
}
