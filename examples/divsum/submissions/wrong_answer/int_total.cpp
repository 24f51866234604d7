// Divisor Sums -- WA on group 3 (50 points): the right O(sqrt n) blocks, but the total is an int.
// S(1e7) ~ 1.6e8 still fits; S(n) for n >= ~1.2e8 does not (group 3 starts at 1e7+1, but its
// other tests go up to 1e12).
#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    int total = 0;
    for (long long i = 1; i <= n;) {
        long long q = n / i, last = n / q;
        total += (int)(q * (last - i + 1));
        i = last + 1;
    }
    printf("%d\n", total);
    return 0;
}
