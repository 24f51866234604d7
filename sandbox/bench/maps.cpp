// std::map and std::unordered_map: n inserts and n lookups each (n = 10^6).
#include <bits/stdc++.h>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::map<int, int> m;
    std::unordered_map<int, int> u;
    unsigned x = 88172645u;
    for (int i = 0; i < n; ++i) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        m[x % 10000000] += i;
        u[x % 10000000] += i;
    }
    long long hits = 0;
    for (int i = 0; i < n; ++i) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        hits += m.count(x % 10000000) + u.count(x % 10000000);
    }
    printf("%lld %zu %zu\n", hits, m.size(), u.size());
}
