package dev.entente.client.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a hub keeps its data when no {@code --data-dir} names it. In the client because every
 * client command asks too; the hub's launcher asks the same class.
 */
public final class DataDirs {
    private DataDirs() {
    }

    /** {@code ENTENTE_DATA_DIR}, else {@code $XDG_DATA_HOME/entente}, else {@code ~/.local/share/entente}. */
    public static Path defaultFor(Map<String, String> env) {
        String dir = env.get("ENTENTE_DATA_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath();
        }
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("entente").toAbsolutePath();
    }
}
