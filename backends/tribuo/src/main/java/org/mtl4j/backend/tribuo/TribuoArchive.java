package org.mtl4j.backend.tribuo;

import java.io.IOException;
import java.nio.file.Path;
import org.mtl4j.spi.io.ModelArchive;
import org.mtl4j.spi.io.ModelFileException;

/**
 * Saves and loads Tribuo-backend models through mtl4j's {@link ModelArchive} (one zip: format
 * version, spec, vocabularies, provenance, and this backend's entries: the parameter tensors as exact
 * IEEE-754 doubles and the dense standardisation statistics).
 */
final class TribuoArchive {
    private TribuoArchive() {
    }

    static void write(Path file, TribuoFmModel model) throws IOException {
        ModelArchive.writeStreaming(file, model.spec(), model.vocabularies(), model.provenance(), model.archiveWriters());
    }

    static ModelArchive open(Path file) throws IOException {
        ModelArchive a = ModelArchive.read(file);
        if (!TribuoBackend.NAME.equals(a.backend())) {
            throw new ModelFileException(file + ": model was saved by backend '" + a.backend() + "', not '"
                    + TribuoBackend.NAME + "'");
        }
        return a;
    }

    static TribuoFmModel read(Path file) throws IOException {
        ModelArchive a = open(file);
        return TribuoFmModel.fromArchive(a.spec(), a.vocabularies(), a.provenance(), a.entries(), file.toString());
    }
}
