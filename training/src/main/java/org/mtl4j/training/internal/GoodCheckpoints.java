package org.mtl4j.training.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which checkpoints of a run are known good. A checkpoint written right after the update that blew
 * the weights up holds exploded weights although every value in the step before it was finite;
 * resuming from it diverged at once. So after a divergence at step {@code s}, {@code latest.ckpt}
 * becomes the newest checkpoint written at a global step below {@code s} (it was followed by at
 * least one step with finite losses and gradients), or the run's initial state, and the newer ones
 * are deleted.
 */
public final class GoodCheckpoints {
    private final Map<Path, Long> written = new LinkedHashMap<>();

    /** Notes that {@code file} holds the state after {@code globalStep} updates. */
    public void written(Path file, long globalStep) {
        written.remove(file);
        written.put(file, globalStep);
    }

    /**
     * Points {@code latest} at the newest good checkpoint for a divergence at {@code step} and deletes
     * newer ones; returns it, or null when there is none (then {@code latest} is deleted too).
     */
    public Path rewind(Path latest, long step) throws IOException {
        Path good = null;
        long goodStep = -1;
        for (Map.Entry<Path, Long> e : written.entrySet()) {
            long g = e.getValue();
            boolean ok = g < step || g == 0;
            if (ok && g >= goodStep && Files.isRegularFile(e.getKey())) {
                good = e.getKey();
                goodStep = g;
            }
        }
        for (Map.Entry<Path, Long> e : written.entrySet()) {
            if (e.getValue() > goodStep && !e.getKey().equals(good)) {
                Files.deleteIfExists(e.getKey());
            }
        }
        if (good == null) {
            Files.deleteIfExists(latest);
            return null;
        }
        Path tmp = Files.createTempFile(latest.toAbsolutePath().getParent(), ".checkpoint-", ".tmp");
        try {
            Files.copy(good, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, latest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return good;
    }
}
