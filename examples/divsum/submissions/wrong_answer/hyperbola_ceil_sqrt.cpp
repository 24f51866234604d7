// Divisor Sums -- WA (0 points): hyperbola method with k = ceil(sqrt(n)) (while k*k < n: ++k) instead of
// floor. Correct only when n is a perfect square; every group has non-squares.
#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    long long k = 1;
    while (k * k < n) ++k;
    long long s = 0;
    for (long long i = 1; i <= k; ++i) s += n / i;
    printf("%lld\n", 2 * s - k * k);
    return 0;
}
