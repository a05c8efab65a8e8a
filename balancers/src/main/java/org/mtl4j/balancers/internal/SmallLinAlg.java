package org.mtl4j.balancers.internal;

import java.util.Arrays;

/**
 * Dense linear algebra for the T x T matrices of gradient balancing (T = number of tasks, a handful):
 * a cyclic Jacobi eigen-solver for symmetric matrices, a pivoted Gaussian solve, a pseudo-inverse solve
 * and the Euclidean projection onto the probability simplex. Written for clarity, not for large n.
 */
public final class SmallLinAlg {
    private SmallLinAlg() {
    }

    /** Eigen-decomposition of a symmetric matrix: {@code a = V diag(values) V^T}, values descending. */
    public record Eigen(double[] values, double[][] vectors) {
        /** Column {@code k} of V (the eigenvector of {@code values[k]}). */
        public double[] vector(int k) {
            double[] v = new double[vectors.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = vectors[i][k];
            }
            return v;
        }
    }

    /**
     * Cyclic Jacobi rotations (Golub &amp; Van Loan, Matrix Computations, 4th ed., Alg. 8.5.3) until the
     * off-diagonal mass is below 1e-15 of the matrix's Frobenius norm. The input is not modified.
     */
    public static Eigen symmetricEigen(double[][] sym) {
        int n = sym.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            if (sym[i].length != n) {
                throw new IllegalArgumentException("matrix must be square, row " + i + " has " + sym[i].length
                        + " columns, expected " + n);
            }
            a[i] = sym[i].clone();
        }
        double[][] v = identity(n);
        double frob = 0;
        for (double[] row : a) {
            for (double x : row) {
                frob += x * x;
            }
        }
        double tol = 1e-30 * Math.max(frob, Double.MIN_NORMAL);
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off <= tol) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = a[order[k]][order[k]];
            for (int i = 0; i < n; i++) {
                vectors[i][k] = v[i][order[k]];
            }
        }
        return new Eigen(values, vectors);
    }

    /**
     * Solves {@code a x = b} by Gaussian elimination with partial pivoting.
     *
     * @return x, or null if a pivot is below {@code 1e-12} times the largest absolute entry (singular)
     */
    public static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
            for (int j = 0; j < n; j++) {
                scale = Math.max(scale, Math.abs(a[i][j]));
            }
        }
        if (!(scale > 0)) {
            return null;
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
                    piv = r;
                }
            }
            if (!(Math.abs(m[piv][col]) > 1e-12 * scale)) {
                return null;
            }
            double[] tmp = m[piv];
            m[piv] = m[col];
            m[col] = tmp;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                if (f != 0) {
                    for (int c = col; c <= n; c++) {
                        m[r][c] -= f * m[col][c];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }

    /**
     * The minimum-norm least-squares solution {@code pinv(a) b} of a square system, through the
     * eigen-decomposition of {@code a^T a}; singular values below {@code 1e-10} of the largest count as
     * zero. Used where the system may be singular (identical or collinear task gradients).
     */
    public static double[] pinvSolve(double[][] a, double[] b) {
        int n = b.length;
        double[][] ata = new double[n][n];
        double[] atb = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a[k][i] * a[k][j];
                }
                ata[i][j] = s;
            }
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += a[k][i] * b[k];
            }
            atb[i] = s;
        }
        Eigen e = symmetricEigen(ata);
        double cutoff = Math.max(e.values()[0], 0) * 1e-20;
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            double lambda = e.values()[k];
            if (!(lambda > cutoff)) {
                continue;
            }
            double proj = 0;
            for (int i = 0; i < n; i++) {
                proj += e.vectors()[i][k] * atb[i];
            }
            for (int i = 0; i < n; i++) {
                x[i] += e.vectors()[i][k] * proj / lambda;
            }
        }
        return x;
    }

    /** Euclidean projection onto {x : x >= 0, sum x = 1} (Duchi et al., ICML 2008, Fig. 1). */
    public static double[] projectToSimplex(double[] y) {
        int n = y.length;
        double[] u = y.clone();
        Arrays.sort(u);
        double cum = 0;
        double theta = 0;
        for (int j = n - 1, rho = 1; j >= 0; j--, rho++) {
            cum += u[j];
            double t = (cum - 1) / rho;
            if (u[j] - t > 0) {
                theta = t;
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.max(y[i] - theta, 0);
        }
        return x;
    }

    public static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    /** {@code m x}. */
    public static double[] times(double[][] m, double[] x) {
        double[] y = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += m[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    /** {@code (x^T m)_j}: with m the Gram matrix of some vectors, the dot product of sum_k x_k v_k with v_j. */
    public static double column(double[] x, double[][] m, int j) {
        double s = 0;
        for (int k = 0; k < x.length; k++) {
            s += x[k] * m[k][j];
        }
        return s;
    }

    /** {@code x^T m y}. */
    public static double quad(double[] x, double[][] m, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < y.length; j++) {
                s += x[i] * m[i][j] * y[j];
            }
        }
        return s;
    }
}
