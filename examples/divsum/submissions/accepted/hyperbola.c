/* Divisor Sums -- correct, C17: Dirichlet hyperbola method, S(n) = 2 * sum_{i<=k} floor(n/i) - k^2 with
   k = floor(sqrt(n)) computed exactly in integers. O(sqrt n). */
#include <math.h>
#include <stdio.h>
int main(void) {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    long long k = (long long)sqrt((double)n);
    while (k * k > n) --k;
    while ((k + 1) * (k + 1) <= n) ++k;
    long long s = 0;
    for (long long i = 1; i <= k; ++i) s += n / i;
    printf("%lld\n", 2 * s - k * k);
    return 0;
}
