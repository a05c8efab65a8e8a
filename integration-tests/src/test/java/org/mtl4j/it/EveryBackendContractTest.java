package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.spi.PluginKind;
import org.mtl4j.testkit.BackendContract;

/** One contract suite x every backend that ServiceLoader discovers (DJL's integration module in spirit). */
class EveryBackendContractTest {

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicNode> everyDiscoveredBackendMeetsTheContract() {
        MtlRuntime runtime = Mtl.runtime();
        assertThat(runtime.names(PluginKind.BACKEND)).as("discovered backends").contains("dl4j", "tribuo");
        return runtime.names(PluginKind.BACKEND).stream().map(name -> DynamicContainer.dynamicContainer(name,
                BackendContract.suite(runtime.backend(name), tmp.resolve(name))));
    }
}
