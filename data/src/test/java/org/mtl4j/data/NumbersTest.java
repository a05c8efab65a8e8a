package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.data.internal.Numbers;

class NumbersTest {
    @Test
    void agreesWithFloatParseFloat() {
        String[] cases = {"0", "-0", "1", "-1", "+2.5", "3.", ".5", "-.25", "1e5", "1E-7", "-1.5e+3", " 7 ", "0.000123",
            "123456789012345678", "1234567890123456789", "1e-30", "3.4028235e38", "1e39", "NaN", "-Infinity",
            "00012.50", "1e0000000000000000000005"};
        for (String c : cases) {
            assertThat(Float.floatToIntBits(Numbers.parseFloat(c))).as(c).isEqualTo(Float.floatToIntBits(Float.parseFloat(c)));
        }
        SplittableRandom r = new SplittableRandom(1);
        int mismatches = 0;
        for (int i = 0; i < 300_000; i++) {
            float f = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-8, 9)));
            String s = i % 2 == 0 ? Float.toString(f) : Double.toString(r.nextDouble() * 1000 - 500);
            float a = Numbers.parseFloat(s);
            float b = Float.parseFloat(s);
            if (a != b) {
                mismatches++;
                // double rounding (decimal -> double -> float) can differ by one ulp, never more
                assertThat(Math.abs(a - b)).as(s).isLessThanOrEqualTo(Math.ulp(b));
            }
        }
        assertThat(mismatches).isLessThan(10);
    }

    @Test
    void rejectsJavaNumberSyntaxThatIsNotADecimal() {
        for (String bad : new String[] {"0x1p3", "0X10", "1.5d", "2f", "1D", "3F", "0x1.8p1"}) {
            assertThatThrownBy(() -> Numbers.parseFloat(bad)).as(bad).isInstanceOf(NumberFormatException.class)
                    .hasMessage("not a decimal number: \"" + bad + "\"");
        }
    }

    @Test
    void rejectsWhatFloatParseFloatRejects() {
        for (String bad : new String[] {"", " ", "abc", "1.5e", "--1", "1,5", "e5", ".", "1.2.3"}) {
            assertThatThrownBy(() -> Numbers.parseFloat(bad)).as(bad).isInstanceOf(NumberFormatException.class);
        }
    }
}
