package org.mtl4j.backend.tribuo;

import org.mtl4j.api.backend.Backend;
import org.mtl4j.testkit.BackendContract;

/** The shared backend contract (testkit), run here on the Tribuo backend. */
class TribuoBackendContractTest extends BackendContract {
    @Override
    protected Backend backend() {
        return new TribuoBackend();
    }
}
