package dev.entente.controlplane.federation;

import dev.entente.ca.tls.TlsState;
import dev.entente.federation.protocol.LocalHub;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** This hub as peers see it: read when asked, since the bound port and the served certificate change. */
public final class TlsLocalHub implements LocalHub {
    private final String hubId;
    private final String name;
    private final Supplier<String> publicUrl;
    private final TlsState tls;

    public TlsLocalHub(String hubId, String name, Supplier<String> publicUrl, TlsState tls) {
        this.hubId = hubId;
        this.name = name;
        this.publicUrl = publicUrl;
        this.tls = tls;
    }

    @Override
    public String hubId() {
        return hubId;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String publicUrl() {
        return publicUrl.get();
    }

    @Override
    public String tlsFingerprint() {
        return tls.current().fingerprint();
    }

    @Override
    public List<String> servedFingerprints() {
        Set<String> fps = new LinkedHashSet<>();
        fps.add(tls.current().fingerprint());
        fps.addAll(tls.graceFingerprints());
        // announced before it is served, so that peers pin it in time
        fps.addAll(tls.nextFingerprints());
        return List.copyOf(fps);
    }
}
