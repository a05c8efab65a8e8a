package org.mtl4j.api.balance;


/** Clips gradients against exploding updates. Clippers never increase a norm. */
public interface Clipper extends Stateful {

    /** When it runs. */
    enum Stage {
        /** On each task's shared gradient, before aggregation (needs per-task gradients). */
        TASK_GRADIENTS,
        /** On the final gradient, just before the optimiser. */
        FINAL
    }

    default Stage stage() {
        return Stage.FINAL;
    }

    ClipReport clip(ClippingContext ctx);

    /** Makes a clipper from its spec parameters. Bound by name in the plugin registry. */
    interface Factory extends PluginFactory<Clipper> {
        @Override
        Clipper create(BalancerContext ctx);
    }
}
