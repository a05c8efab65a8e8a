package org.mtl4j.api.spec;

import java.util.List;
import org.mtl4j.api.Checks;

/**
 * An image (channels x height x width, values scaled to [0,1]) encoded by a conv branch: one
 * convolution (kernel x kernel, stride 1, same padding) + ReLU + 2x2 max-pool per entry of
 * {@code convChannels}, then flattened.
 *
 * @param column source column holding the pixels (space separated) when read from CSV; readers of
 *     image formats fill the batch directly
 */
public record ImageInput(String name, String column, int channels, int height, int width, List<Integer> convChannels,
        int kernel) implements InputSpec {
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
