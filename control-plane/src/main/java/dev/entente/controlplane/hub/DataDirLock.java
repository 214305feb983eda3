package dev.entente.controlplane.hub;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * One hub per data directory. Without this, a second {@code entente start} on the same data dir
 * would take the first hub's PostgreSQL for a stale one and stop it. The OS drops the lock when
 * the holder dies, even by SIGKILL, so a crash never leaves the directory locked.
 */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve("hub.lock");
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileLock l = ch.tryLock();
            if (l == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
                ch.close();
                throw new EntenteException(ErrorCode.DATA_DIR_LOCKED, "another hub (pid " + (holder.isEmpty() ? "?" : holder)
                        + ") is running with data dir " + dataDir + "; stop it first or use another --data-dir");
            }
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            return new DataDirLock(ch, l);
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, "cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The pid of the process holding {@code dataDir}'s lock, or empty when none does. Taking the
     * lock for a moment is the only test the OS answers truthfully: the file keeps the pid of a
     * holder long gone, and that pid may by now belong to another process. A hub starting in the
     * same microseconds finds the lock taken and refuses with {@code data_dir_locked}.
     */
    static OptionalLong holder(Path dataDir) {
        Path file = dataDir.resolve("hub.lock");
        if (!Files.isRegularFile(file)) {
            return OptionalLong.empty();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            boolean held;
            try {
                FileLock l = ch.tryLock();
                held = l == null;
                if (l != null) {
                    l.release();
                }
            } catch (OverlappingFileLockException e) {
                held = true; // this very JVM holds it (a hub started in-process)
            }
            if (!held) {
                return OptionalLong.empty();
            }
            String pid = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            try {
                return OptionalLong.of(Long.parseLong(pid));
            } catch (NumberFormatException e) {
                throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, file + " is locked but names no pid yet (a hub starting?); try again");
            }
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // released by the OS when the process exits anyway
        }
    }
}
