// gp_hash_table with a custom (splitmix64) hash, the usual anti-hack hash map of contest code,
// beside cc_hash_table: n random increments then n lookups.
#include <bits/extc++.h>
using namespace std;
using namespace __gnu_pbds;
struct splitmix {
    size_t operator()(unsigned long long z) const {
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return size_t(z ^ (z >> 31));
    }
};
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    gp_hash_table<unsigned long long, int, splitmix> g;
    cc_hash_table<int, int> c;
    unsigned long long x = 88172645463325252ULL;
    for (int i = 0; i < n; ++i) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        g[x % 2000003]++;
        c[int(x % 500009)] += i & 7;
    }
    long long acc = 0;
    for (int i = 0; i < n; ++i) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        auto it = g.find(x % 2000003);
        if (it != g.end()) acc += it->second;
        auto jt = c.find(int(x % 500009));
        if (jt != c.end()) acc += jt->second;
    }
    printf("%lld %d %d\n", acc, int(g.size()), int(c.size()));
}
