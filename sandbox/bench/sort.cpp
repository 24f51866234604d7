// Sorts n pseudo-random 32-bit integers (10^7) with std::sort, prints a checksum.
#include <bits/stdc++.h>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::vector<unsigned> v(n);
    unsigned x = 2463534242u;
    for (auto &e : v) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; e = x; }
    std::sort(v.begin(), v.end());
    unsigned long long sum = 0;
    for (int i = 0; i < n; i += 1000) sum += v[i];
    printf("%llu\n", sum);
}
