package dev.entente.controlplane.federation;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.tls.PinningTrustManager;
import dev.entente.ca.tls.TlsPolicy;
import dev.entente.federation.protocol.PeerEndpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One kept-alive mTLS connection per enrolled peer for the calls a hub repeats every round (its
 * heartbeats), on one Netty event loop for all peers. A fresh {@link PeerClient} per call costs a
 * full TLS 1.3 handshake with Ed25519 on both sides and an HTTP client with its own selector
 * thread: at 1,000 peers and a 30 s interval that alone was most of the hub's CPU.
 *
 * <p>A connection is used for one identity only (URL, pinned fingerprints, our client certificate):
 * a repin, a renewal or a re-enrolment opens a new one. It is also given up once the hub's clock has
 * moved {@link #MAX_AGE} past its opening (or back before it), so that the certificates' validity
 * windows are checked again by a new handshake, as they would be on every call without reuse.
 * Any failure here is reported as an {@link IOException} and the caller retries on a fresh
 * {@link PeerClient}, which names the failure as before.
 */
public final class PeerConnections implements AutoCloseable {
    /** How long, by the hub's clock, a connection is reused before a new handshake checks validity again. */
    static final Duration MAX_AGE = Duration.ofMinutes(10);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ANSWER_BYTES = 1 << 20;
    private static final int IDLE_SECONDS = 300;

    /**
     * Key exchange by X25519 only: JDK 17's client makes a key share for the first named group of
     * each kind, so every ClientHello carried a P-256 share besides x25519, computed in pure Java
     * (a quarter of the CPU of a new connection) and never used by a peer, which is an Entente hub
     * and picks x25519. A server without x25519 refuses this handshake; the caller then retries on
     * a {@link PeerClient}, which offers every group. Signatures and certificates are not
     * constrained here ({@code SSLParameters} constraints only add to the JDK's own).
     */
    private static final AlgorithmConstraints X25519_KEY_SHARE = new AlgorithmConstraints() {
        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
            return !primitives.contains(CryptoPrimitive.KEY_AGREEMENT) || !otherGroup(algorithm);
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
            return true;
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, Key key, AlgorithmParameters parameters) {
            return permits(primitives, algorithm, parameters);
        }

        private boolean otherGroup(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return n.startsWith("secp") || n.startsWith("ffdhe");
        }
    };

    private final Clock clock;
    private final Map<String, Connection> byUrl = new ConcurrentHashMap<>();
    private volatile EventLoopGroup loop;

    public PeerConnections(Clock clock) {
        this.clock = clock;
    }

    /** An answer as it came: status and body. */
    public record Answer(int status, byte[] body) {
    }

    /** POSTs {@code body} to {@code path} of an enrolled peer on its kept-alive connection. */
    public Answer post(PeerEndpoint peer, String path, byte[] body, Duration timeout) throws IOException {
        String identity = identity(peer);
        Instant now = clock.instant();
        Connection c = byUrl.get(peer.url());
        if (c == null || !c.reusable(identity, now)) {
            if (c != null) {
                byUrl.remove(peer.url(), c);
                c.close();
            }
            c = open(peer, identity, now);
            Connection raced = byUrl.putIfAbsent(peer.url(), c);
            if (raced != null) {
                c.close();
                c = raced;
            }
        }
        try {
            return c.exchange(path, body, timeout);
        } catch (IOException e) {
            byUrl.remove(peer.url(), c);
            c.close();
            throw e;
        }
    }

    /** Open connections (peers this hub heartbeated within the idle timeout). */
    public int size() {
        return byUrl.size();
    }

    @Override
    public void close() {
        byUrl.values().forEach(Connection::close);
        byUrl.clear();
        EventLoopGroup l = loop;
        if (l != null) {
            l.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static String identity(PeerEndpoint peer) {
        X509Certificate cert = peer.clientCert();
        return new TreeSet<>(peer.pinnedFingerprints()) + "|" + (cert == null ? "-" : Certificates.fingerprint(cert));
    }

    private EventLoopGroup loop() {
        EventLoopGroup l = loop;
        if (l == null) {
            synchronized (this) {
                if (loop == null) {
                    // One thread: each call is a few hundred bytes each way; the TLS work of a new
                    // connection is the only real CPU, and it is rare once connections are kept.
                    loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("peer-connections", true),
                            NioIoHandler.newFactory());
                }
                l = loop;
            }
        }
        return l;
    }

    private Connection open(PeerEndpoint peer, String identity, Instant now) throws IOException {
        URI url = URI.create(peer.url());
        int port = url.getPort() == -1 ? 443 : url.getPort();
        SslContext ssl;
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .protocols(TlsPolicy.PROTOCOLS).ciphers(TlsPolicy.CIPHER_SUITES)
                    .trustManager(new PinningTrustManager(peer.pinnedFingerprints(), false, clock));
            if (peer.clientKey() != null) {
                // Not a PKCS12 key store: storing and reading the key back ran PBKDF2 twice per new
                // connection (10,000 rounds each), more than the handshake itself.
                builder.keyManager(new KeyManagerFactoryWrapper(new NodeKeyManager(peer.clientKey(), peer.clientCert())));
            }
            ssl = builder.build();
        } catch (SSLException e) {
            throw new IOException("cannot set up TLS to " + url + ": " + e.getMessage(), e);
        }
        Connection c = new Connection(identity, now, url.getHost() + ":" + port);
        Bootstrap bootstrap = new Bootstrap().group(loop()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = ssl.newHandler(ch.alloc(), url.getHost(), port);
                        SSLParameters params = tls.engine().getSSLParameters();
                        params.setAlgorithmConstraints(X25519_KEY_SHARE);
                        tls.engine().setSSLParameters(params);
                        ch.pipeline().addLast(tls,
                                new HttpClientCodec(), new HttpObjectAggregator(MAX_ANSWER_BYTES),
                                new IdleStateHandler(0, 0, IDLE_SECONDS), c.handler);
                    }
                });
        try {
            Channel ch = bootstrap.connect(url.getHost(), port).sync().channel();
            c.channel = ch;
            ch.closeFuture().addListener(f -> byUrl.remove(peer.url(), c));
            ch.pipeline().get(SslHandler.class).handshakeFuture().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return c;
        } catch (ExecutionException e) {
            c.close();
            throw new IOException("TLS handshake with " + url + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            c.close();
            throw new IOException("TLS handshake with " + url + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + url, e);
        } catch (RuntimeException e) {
            // sync() rethrows what failed the connect as it is, checked or not
            c.close();
            throw new IOException("cannot connect to " + url + ": " + e.getMessage(), e);
        }
    }

    /** Our one node key and certificate for this peer, offered whenever the server asks for a key of its type. */
    private static final class NodeKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "node";
        private final PrivateKey key;
        private final X509Certificate[] chain;

        NodeKeyManager(PrivateKey key, X509Certificate cert) {
            this.key = key;
            this.chain = new X509Certificate[]{cert};
        }

        private String alias(String[] keyTypes) {
            return keyTypes != null && Arrays.asList(keyTypes).contains(key.getAlgorithm()) ? ALIAS : null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return alias(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return alias(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return key.getAlgorithm().equals(keyType) ? new String[]{ALIAS} : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** One connection, one request at a time. */
    private static final class Connection {
        final String identity;
        final Instant openedAt;
        final String host;
        final Handler handler = new Handler();
        volatile Channel channel;

        Connection(String identity, Instant openedAt, String host) {
            this.identity = identity;
            this.openedAt = openedAt;
            this.host = host;
        }

        boolean reusable(String identity, Instant now) {
            Channel ch = channel;
            return ch != null && ch.isActive() && this.identity.equals(identity) && !now.isBefore(openedAt)
                    && now.isBefore(openedAt.plus(MAX_AGE));
        }

        synchronized Answer exchange(String path, byte[] body, Duration timeout) throws IOException {
            Channel ch = channel;
            if (ch == null || !ch.isActive()) {
                throw new IOException("connection closed");
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    Unpooled.wrappedBuffer(body));
            request.headers().set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            handler.pending = answer;
            ch.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    answer.completeExceptionally(f.cause());
                }
            });
            try {
                return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IOException(String.valueOf(e.getCause()), e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("no answer within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                handler.pending = null;
            }
        }

        void close() {
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }

        /** Completes the one pending request; a close or an error fails it. */
        private static final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
            volatile CompletableFuture<Answer> pending;

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                CompletableFuture<Answer> p = pending;
                Answer answer = new Answer(response.status().code(), ByteBufUtil.getBytes(response.content()));
                if (!HttpUtil.isKeepAlive(response)) {
                    ctx.close();
                }
                if (p != null) {
                    p.complete(answer);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                fail(new IOException("the peer closed the connection"));
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof IdleStateEvent) {
                    ctx.close();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail(cause);
                ctx.close();
            }

            private void fail(Throwable cause) {
                CompletableFuture<Answer> p = pending;
                if (p != null) {
                    p.completeExceptionally(cause);
                }
            }
        }
    }
}
