package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * Stop when the validation value of {@code metric} on {@code task} has not improved for
 * {@code patience} epochs, and restore the best parameters. {@code task} "*" means the mean
 * validation loss over all non-auxiliary tasks (metric is then ignored).
 */
public record EarlyStopping(String task, String metric, int patience, double minDelta) {
    public EarlyStopping {
        Checks.notNull("early stopping task", task);
        metric = metric == null ? Defaults.EARLY_STOPPING_METRIC : metric;
        Checks.positive("early stopping patience", patience);
        Checks.nonNegative("early stopping minDelta", minDelta);
    }

    public static EarlyStopping onLoss(int patience) {
        return new EarlyStopping("*", "loss", patience, 0);
    }
}
