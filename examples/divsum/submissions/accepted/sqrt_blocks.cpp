// Divisor Sums -- reference solution: floor(n/i) takes O(sqrt n) distinct values; for each block of i
// with the same q = n/i (i .. n/q), add q * block length. O(sqrt n), long long.
#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    long long total = 0;
    for (long long i = 1; i <= n;) {
        long long q = n / i, last = n / q;
        total += q * (last - i + 1);
        i = last + 1;
    }
    printf("%lld\n", total);
    return 0;
}
