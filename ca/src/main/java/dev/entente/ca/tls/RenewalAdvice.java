package dev.entente.ca.tls;

/**
 * How the served certificate is renewed in the hub's TLS mode, for the findings about its expiry
 * (DR003): {@code entente tls rotate} makes a self-signed certificate only, and refuses in the
 * other modes, so advising it there would send the operator into a refusal.
 *
 * @param fix         what to do, in words; null when the command says it all
 * @param nextCommand the {@code entente ...} command to run next
 */
public record RenewalAdvice(String fix, String nextCommand) {

    /**
     * @param lastOrder the ACME side's last outcome, null before the first order
     * @param pid       the hub's process, which takes SIGHUP to re-read custom files
     */
    public static RenewalAdvice of(TlsModeSettings settings, TlsModes.AcmeState lastOrder, long pid) {
        return switch (settings.mode()) {
            case SELF_SIGNED -> new RenewalAdvice(null, "entente tls rotate");
            case CUSTOM -> new RenewalAdvice("the hub serves entente.tls.cert-file (" + settings.certFile()
                    + ") and entente.tls.key-file (" + settings.keyFile() + "): have your CA issue a new certificate, "
                    + "write it and its key over those files, and make the hub re-read them with kill -HUP " + pid
                    + " (systemctl reload entente under the shipped systemd unit; changed files are also noticed within "
                    + "entente.tls.watch-interval)",
                    "entente tls info");
            case ACME -> lastOrder == null || lastOrder.failureType() == null
                    ? new RenewalAdvice("the hub orders its certificate from the ACME CA at " + settings.acmeDirectory()
                    + " at two thirds of the served one's lifetime and no order has failed; a new one shows as "
                    + "next_fingerprint in tls info and is served once peers pinned it", "entente tls info")
                    : new RenewalAdvice("the hub orders its certificate from the ACME CA at " + settings.acmeDirectory()
                    + " at two thirds of the served one's lifetime, and the last order failed (" + lastOrder.failures()
                    + " in a row; next attempt at " + lastOrder.nextAttempt() + "): " + lastOrder.failureType() + ": "
                    + lastOrder.failureDetail() + " (DR027)", "entente doctor --explain DR027");
        };
    }
}
