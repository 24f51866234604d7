// Divisor Sums -- TLE from group 2 (20 points): counts the divisors of every k <= n by trial division
// over all d <= k: O(n^2). n = 1000 is 5e5 steps; n = 1e7 is 5e13.
#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    long long total = 0;
    for (long long k = 1; k <= n; ++k)
        for (long long d = 1; d <= k; ++d)
            if (k % d == 0) ++total;
    printf("%lld\n", total);
    return 0;
}
