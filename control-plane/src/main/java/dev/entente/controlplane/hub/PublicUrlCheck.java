package dev.entente.controlplane.hub;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What is wrong with the URL this hub gives peers, said at start: peers dial it during the
 * handshake, and a wrong one surfaces only later as a failed return path on the other side.
 */
public final class PublicUrlCheck {
    private PublicUrlCheck() {
    }

    /**
     * @param publicUrl  the URL peers are told
     * @param configured whether an operator set it ({@code entente.hub.public-url}), or it was derived
     * @param bind       the listen address
     */
    public static List<String> warnings(String publicUrl, boolean configured, String bind) {
        List<String> out = new ArrayList<>();
        String host = URI.create(publicUrl).getHost();
        if (host == null) {
            out.add("public url " + publicUrl + " names no host; set --public-url to the https URL peers reach this hub at");
            return out;
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean loopbackBind = bind.equals("127.0.0.1") || bind.equals("::1") || bind.equals("localhost");
        InetAddress address;
        try {
            address = InetAddress.getByName(bare);
        } catch (UnknownHostException e) {
            out.add("public url host " + bare + " does not resolve on this machine; peers will fail to call back. "
                    + "Set --public-url (entente.hub.public-url) to a name or address peers can reach");
            return out;
        }
        if (address.isLoopbackAddress() && !loopbackBind) {
            out.add("public url " + publicUrl + " is a loopback address while the hub listens on " + bind
                    + ": peers on other machines cannot reach it. Set --public-url (entente.hub.public-url)");
        } else if (!configured && !loopbackBind) {
            out.add("public url " + publicUrl + " was derived from the host name; if peers know this hub by another "
                    + "name, set --public-url (entente.hub.public-url) before linking");
        }
        return out;
    }
}
