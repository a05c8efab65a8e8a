package org.mtl4j.api.spec;

import java.util.List;
import org.mtl4j.api.Checks;

/**
 * An image (channels x height x width, values scaled to [0,1]) encoded by a conv branch: one
 * convolution (kernel x kernel, stride 1, same padding) + ReLU + 2x2 max-pool per entry of
 * {@code convChannels}, then flattened. With {@code network}, a user's pretrained network (a DL4J
 * {@code ComputationGraph} or {@code MultiLayerNetwork}, e.g. imported from Keras) encodes the image
 * instead, {@link NetworkMode#FROZEN frozen} or {@link NetworkMode#FINE_TUNED fine-tuned}; its
 * output of {@code dimension} numbers per image enters the model ({@code convChannels} and
 * {@code kernel} are then unused).
 *
 * @param column source column holding the pixels (space separated) when read from CSV; readers of
 *     image formats fill the batch directly
 * @param network the network encoding the image: a DL4J model zip ({@code ModelSerializer}; paths
 *     relative to the working directory), or a {@code memory:} reference from {@link EncoderNetworks};
 *     null for the built-in conv branch
 * @param mode frozen (default) or fine-tuned; network inputs only
 * @param output the layer (vertex) whose activations are the features, or null for the network's
 *     output, or the input of its output layer when that layer has a loss
 * @param dimension the declared width of the features (required with a network, null without); a
 *     network whose output has another width is refused when the model is built
 * @param networkLearningRate fine-tuned only: the multiplier of the optimiser's learning rate for the
 *     network's parameters (null: 1), as discriminative fine-tuning (Howard &amp; Ruder, ACL 2018, "Universal
 *     Language Model Fine-tuning for Text Classification") gives pretrained layers a smaller rate than new ones
 */
public record ImageInput(String name, String column, int channels, int height, int width, List<Integer> convChannels,
        int kernel, String network, NetworkMode mode, String output, Integer dimension, Double networkLearningRate)
        implements InputSpec {

    /** An image through the built-in conv branch. */
    public ImageInput(String name, String column, int channels, int height, int width, List<Integer> convChannels,
            int kernel) {
        this(name, column, channels, height, width, convChannels, kernel, null, null, null, null, null);
    }

    /** An image encoded by a user's network ({@code networkLearningRate} 1 when fine-tuned). */
    public ImageInput(String name, String column, int channels, int height, int width, String network, NetworkMode mode,
            String output, int dimension) {
        this(name, column, channels, height, width, null, Defaults.IMAGE_KERNEL, network, mode, output, dimension, null);
    }

    public ImageInput {
        Checks.name("input name", name);
        column = column == null ? name : column;
        Checks.positive("image input '" + name + "' channels", channels);
        Checks.positive("image input '" + name + "' height", height);
        Checks.positive("image input '" + name + "' width", width);
        convChannels = List.copyOf(convChannels == null ? Defaults.IMAGE_CONV_CHANNELS : convChannels);
        for (int c : convChannels) {
            Checks.positive("image input '" + name + "' convChannels entry", c);
        }
        Checks.positive("image input '" + name + "' kernel", kernel);
        if (kernel % 2 == 0) {
            throw new IllegalArgumentException("image input '" + name + "' kernel must be odd, found " + kernel);
        }
        if (network == null) {
            if (mode != null || output != null || dimension != null || networkLearningRate != null) {
                throw new IllegalArgumentException("image input '" + name + "': mode, output, dimension and "
                        + "networkLearningRate apply only to an image encoded by a network (give 'network')");
            }
        } else {
            if (network.isBlank()) {
                throw new IllegalArgumentException("image input '" + name + "' network must name a model file, found \"\"");
            }
            if (dimension == null) {
                throw new IllegalArgumentException("image input '" + name + "' dimension must be given with a network (the "
                        + "width of its output), found none");
            }
            Checks.positive("image input '" + name + "' dimension", dimension);
            if (output != null && output.isBlank()) {
                throw new IllegalArgumentException("image input '" + name + "' output must name a layer, found \"\"");
            }
            mode = mode == null ? NetworkMode.FROZEN : mode;
            if (networkLearningRate != null) {
                if (mode != NetworkMode.FINE_TUNED) {
                    throw new IllegalArgumentException("image input '" + name + "': networkLearningRate applies only to a "
                            + "fine-tuned network, found mode frozen");
                }
                Checks.positive("image input '" + name + "' networkLearningRate", networkLearningRate);
            }
        }
    }

    /** Whether a user's network encodes this image (instead of the built-in conv branch). */
    public boolean hasNetwork() {
        return network != null;
    }

    /** How a network encoder is used. */
    public enum NetworkMode {
        /** Not trained: its features are computed once per distinct image and cached. */
        FROZEN,
        /** Trained jointly: the MTL loss's gradient flows back through the network into its parameters. */
        FINE_TUNED
    }

    public int pixels() {
        return channels * height * width;
    }

    @Override
    public String kind() {
        return "image";
    }

    @Override
    public java.util.List<String> sourceColumns() {
        return java.util.List.of(column);
    }
}
