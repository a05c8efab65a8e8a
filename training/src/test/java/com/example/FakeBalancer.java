package com.example;

/** A class in a third-party package, for {@code BalancerStateFilterTest}. */
public final class FakeBalancer {
}
