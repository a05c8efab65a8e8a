package org.mtl4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The DSL's naming rule, checked over every entry point: an entry class is named like the
 * {@link ModelBuilder} method it feeds, and an entry method spells the catalogue name of what it
 * selects in lowerCamelCase (a hyphen starts a capital: {@code imtl-g} is {@code imtlG},
 * {@code pcgrad} stays {@code pcgrad}). The deprecated aliases give the same choices.
 */
class NamingRuleTest {

    @Test
    void everyEntryClassIsNamedLikeTheBuilderMethodItFeeds() throws Exception {
        for (Class<?> entry : List.of(Inputs.class, Tasks.class, Sharing.class, Balance.class, Clip.class, Optimizer.class,
                Training.class)) {
            String method = Character.toLowerCase(entry.getSimpleName().charAt(0)) + entry.getSimpleName().substring(1);
            List<String> builderMethods = new ArrayList<>();
            for (Method m : ModelBuilder.class.getMethods()) {
                builderMethods.add(m.getName());
            }
            assertThat(builderMethods).as(entry.getSimpleName()).contains(method);
        }
    }

    @Test
    void everyBalancerAndClipperMethodSpellsItsCatalogueName() throws Exception {
        int checked = 0;
        for (Class<?> entry : List.of(Balance.class, Clip.class)) {
            for (Method m : entry.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || !Modifier.isStatic(m.getModifiers()) || m.getName().equals("of")
                        || m.isAnnotationPresent(Deprecated.class) || m.getReturnType().getSimpleName().equals("Role")) {
                    continue;
                }
                Object choice = m.invoke(null, args(m));
                String name = (String) choice.getClass().getMethod("name").invoke(choice);
                assertThat(name).as(entry.getSimpleName() + "." + m.getName()).isEqualTo(hyphenated(m.getName()));
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(7 + 9 + 4);
    }

    @Test
    @SuppressWarnings("removal")
    void theDeprecatedAliasesGiveTheSameChoices() {
        assertThat(same(Balance.gradNorm(1.5), Balance.gradnorm(1.5))).isTrue();
        assertThat(same(Balance.gradVac(0.02), Balance.gradvac(0.02))).isTrue();
        assertThat(same(Balance.gradDrop(), Balance.graddrop())).isTrue();
        assertThat(Mtl.model("m").optimizer(Optimizers.adamw(0.01, 0.1)).optimizer(Optimizer.adamw(0.01, 0.1))).isNotNull();
        assertThat(Optimizers.sgd(0.1)).usingRecursiveComparison().isEqualTo(Optimizer.sgd(0.1));
        assertThat(Optimizers.adam(0.1)).usingRecursiveComparison().isEqualTo(Optimizer.adam(0.1));
        assertThat(Optimizers.adagrad(0.1)).usingRecursiveComparison().isEqualTo(Optimizer.adagrad(0.1));
    }

    private static boolean same(Balance.Choice a, Balance.Choice b) {
        return a.name().equals(b.name()) && a.params().equals(b.params()) && a.role() == b.role();
    }

    private static Object[] args(Method m) {
        Object[] a = new Object[m.getParameterCount()];
        for (int i = 0; i < a.length; i++) {
            Class<?> t = m.getParameterTypes()[i];
            a[i] = t == double.class ? 1.0 : t == int.class ? 1 : Map.of();
        }
        return a;
    }

    private static String hyphenated(String camel) {
        StringBuilder b = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
