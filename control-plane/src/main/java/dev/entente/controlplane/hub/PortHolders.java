package dev.entente.controlplane.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds which process listens on a TCP port, from {@code /proc} (Linux): "address in use" is far
 * quicker to fix when the message names the holder.
 */
final class PortHolders {
    private PortHolders() {
    }

    /** {@code " by pid 1234 (java)"}, or empty when it cannot be found (other user, not Linux). */
    static String describe(int port) {
        try {
            Set<String> inodes = listeningInodes(port);
            if (inodes.isEmpty()) {
                return "";
            }
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : (Iterable<Path>) procs::iterator) {
                    String pid = proc.getFileName().toString();
                    if (!pid.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                        for (Path fd : (Iterable<Path>) fds::iterator) {
                            String target = Files.readSymbolicLink(fd).toString();
                            if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                                String comm = Files.readString(proc.resolve("comm")).trim();
                                return " by pid " + pid + " (" + comm + ")";
                            }
                        }
                    } catch (IOException | SecurityException ignored) {
                        // a process we may not inspect, or one that just exited
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }

    private static Set<String> listeningInodes(int port) throws IOException {
        Set<String> inodes = new HashSet<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                // local_address is field 1 ("0100007F:1D13"), state 0A is LISTEN, inode is field 9
                if (f.length > 9 && f[1].endsWith(":" + hexPort) && f[3].equals("0A")) {
                    inodes.add(f[9]);
                }
            }
        }
        return inodes;
    }
}
