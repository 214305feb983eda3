package dev.entente.ca.authority;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The arrangement of a CA's keys at one moment, as stored in {@code certificate_authorities}:
 * which key signs, and, during a rotation, which is the old and which the new one.
 *
 * <pre>
 * arrangement        signing   trusted      rotation phase(s) that hold it
 * one key            K1        {K1}         standby
 * standby generated  old K1    {K1, K2}     init, rollback
 * new key signing    new K2    {K1, K2}     update_clients, update_servers
 * </pre>
 *
 * @param signing           the key new node certificates are signed with ({@code sealed_keys.status = 'active'})
 * @param oldKey            during a rotation, the key being replaced; otherwise {@code null}
 * @param newKey            during a rotation, the replacement key; otherwise {@code null}
 * @param rotationStartedAt when the current rotation's new key was generated, or {@code null}
 * @param version           bumped by every key move (the row's optimistic-lock counter)
 */
public record CaKeys(CaKey signing, CaKey oldKey, CaKey newKey, Instant rotationStartedAt, long version) {

    /** True while two keys are held (between {@code startRotation} and {@code dropOldKey}/{@code discardStandby}). */
    public boolean rotating() {
        return newKey != null;
    }

    /** The keys whose certificates form the trust bundle: both during a rotation, else the signing key. */
    public List<CaKey> trusted() {
        return rotating() ? List.of(oldKey, newKey) : List.of(signing);
    }

    /** The trusted key that does not sign ({@code sealed_keys.status = 'grace'}), if any. */
    public Optional<CaKey> standby() {
        if (!rotating()) {
            return Optional.empty();
        }
        return Optional.of(signing.id().equals(oldKey.id()) ? newKey : oldKey);
    }

    /** True when the new key of a rotation signs (update_clients, update_servers). */
    public boolean newKeySigns() {
        return rotating() && signing.id().equals(newKey.id());
    }
}
