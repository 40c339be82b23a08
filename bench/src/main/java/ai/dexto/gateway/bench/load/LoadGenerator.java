package ai.dexto.gateway.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A small HTTP/1.1 load generator on Netty: a fixed set of keep-alive connections on one event loop,
 * driven either closed-loop (each connection sends again as soon as its answer is complete: maximum
 * throughput) or at a fixed rate (requests are due at t0 + i/rate whether or not a connection is free;
 * latency counts from that due time, as wrk2 does, so queueing behind a slow answer is measured).
 *
 * <p>A streamed answer counts as a success only if it is 200 and ends with {@code data: [DONE]}.
 */
public final class LoadGenerator implements AutoCloseable {
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;

    public LoadGenerator() {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Closed loop: as fast as the target answers, on {@code connections} connections. */
    public LoadResult closedLoop(LoadTarget target, String workload, int connections, double warmupSeconds,
                                 double seconds) throws Exception {
        return run(target, workload, connections, 0, warmupSeconds, seconds);
    }

    /** Open loop at {@code rate} requests per second. */
    public LoadResult fixedRate(LoadTarget target, String workload, int connections, int rate,
                                double warmupSeconds, double seconds) throws Exception {
        return run(target, workload, connections, rate, warmupSeconds, seconds);
    }

    private LoadResult run(LoadTarget target, String workload, int connections, int rate, double warmupSeconds,
                           double seconds) throws Exception {
        EventLoop loop = group.next();
        Run run = new Run(target, rate, loop);
        List<Channel> channels = new ArrayList<>();
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new Connection(run));
                    }
                });
        for (int i = 0; i < connections; i++) {
            channels.add(bootstrap.connect(target.host(), target.port()).sync().channel());
        }
        CompletableFuture<LoadResult> done = new CompletableFuture<>();
        loop.execute(() -> run.start(channels, workload, connections, warmupSeconds, seconds, done));
        LoadResult result = done.get((long) (warmupSeconds + seconds + 120), TimeUnit.SECONDS);
        for (Channel c : channels) {
            c.close().syncUninterruptibly();
        }
        return result;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The state of one run; touched only on its event loop. */
    private static final class Run {
        final LoadTarget target;
        final int rate;
        final EventLoop loop;
        final ByteBuf body;
        final ArrayDeque<Connection> idle = new ArrayDeque<>();
        final ArrayDeque<Long> due = new ArrayDeque<>();
        final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
        final Histogram ttfb = new Histogram(HIGHEST_MICROS, 3);
        long startNanos;
        long measureFromNanos;
        long endNanos;
        long issued;
        long completed;
        long errors;
        boolean finished;

        Run(LoadTarget target, int rate, EventLoop loop) {
            this.target = target;
            this.rate = rate;
            this.loop = loop;
            this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(target.body()));
        }

        void start(List<Channel> channels, String workload, int connections, double warmupSeconds, double seconds,
                   CompletableFuture<LoadResult> done) {
            startNanos = System.nanoTime();
            measureFromNanos = startNanos + (long) (warmupSeconds * 1e9);
            endNanos = measureFromNanos + (long) (seconds * 1e9);
            for (Channel c : channels) {
                idle.add(c.pipeline().get(Connection.class));
            }
            if (rate > 0) {
                loop.scheduleAtFixedRate(this::tick, 0, 200, TimeUnit.MICROSECONDS);
            } else {
                while (!idle.isEmpty()) {
                    send(idle.poll(), System.nanoTime());
                }
            }
            loop.schedule(() -> {
                finished = true;
                double measured = (System.nanoTime() - measureFromNanos) / 1e9;
                done.complete(new LoadResult(target.name(), workload, rate > 0 ? "fixed-rate" : "closed-loop",
                        connections, rate, Math.min(measured, seconds), completed, errors, latency, ttfb));
            }, endNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        void tick() {
            if (finished) {
                return;
            }
            long now = System.nanoTime();
            long shouldHaveIssued = (long) ((now - startNanos) / 1e9 * rate);
            while (issued < shouldHaveIssued) {
                due.add(startNanos + (long) (issued * 1e9 / rate));
                issued++;
            }
            dispatch();
        }

        void dispatch() {
            while (!due.isEmpty() && !idle.isEmpty()) {
                send(idle.poll(), due.poll());
            }
        }

        void send(Connection c, long intendedNanos) {
            c.intendedNanos = intendedNanos;
            c.firstByteNanos = 0;
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                    target.path(), body.duplicate());
            request.headers().set(HttpHeaderNames.HOST, target.host() + ":" + target.port())
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            for (Map.Entry<String, String> h : target.headers().entrySet()) {
                request.headers().set(h.getKey(), h.getValue());
            }
            c.channel.writeAndFlush(request);
        }

        void answered(Connection c, boolean ok) {
            long now = System.nanoTime();
            if (c.intendedNanos >= measureFromNanos && !finished) {
                if (ok) {
                    completed++;
                    latency.recordValue(Math.min(HIGHEST_MICROS, (now - c.intendedNanos) / 1000));
                    ttfb.recordValue(Math.min(HIGHEST_MICROS, (c.firstByteNanos - c.intendedNanos) / 1000));
                } else {
                    errors++;
                }
            }
            if (finished) {
                return;
            }
            if (rate > 0) {
                idle.add(c);
                dispatch();
            } else {
                send(c, now);
            }
        }

        void failed(Connection c) {
            if (c.intendedNanos >= measureFromNanos && !finished) {
                errors++;
            }
        }
    }

    /** One keep-alive connection: one request in flight at a time. */
    private static final class Connection extends SimpleChannelInboundHandler<HttpObject> {
        private final Run run;
        Channel channel;
        long intendedNanos;
        long firstByteNanos;
        int status;
        final byte[] tail = new byte[16];
        int tailLength;

        Connection(Run run) {
            this.run = run;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse) {
                firstByteNanos = System.nanoTime();
                status = ((HttpResponse) msg).status().code();
                tailLength = 0;
            }
            if (msg instanceof HttpContent) {
                keepTail(((HttpContent) msg).content());
            }
            if (msg instanceof LastHttpContent) {
                boolean ok = status == 200 && (!run.target.streamed() || endsWithDone());
                run.answered(this, ok);
            }
        }

        private void keepTail(ByteBuf content) {
            int n = content.readableBytes();
            if (n == 0) {
                return;
            }
            int take = Math.min(n, tail.length);
            if (tailLength + take > tail.length) {
                int keep = tail.length - take;
                System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                tailLength = keep;
            }
            content.getBytes(content.readerIndex() + n - take, tail, tailLength, take);
            tailLength += take;
        }

        private boolean endsWithDone() {
            // The stream ends "data: [DONE]\n\n": look for [DONE] in the last bytes.
            outer:
            for (int i = tailLength - DONE.length; i >= 0; i--) {
                for (int j = 0; j < DONE.length; j++) {
                    if (tail[i + j] != DONE[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!run.finished) {
                run.failed(this);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            run.failed(this);
            ctx.close();
        }
    }
}
