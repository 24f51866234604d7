// Pair Sums -- TLE from group 2 (20 points): checks every pair, O(n^2). n = 2000: 2e6 pairs;
// n = 2e5: 2e10 pairs.
#include <bits/stdc++.h>
using namespace std;
int main() {
    long long n, X, M;
    unsigned long long s;
    if (!(cin >> n >> X >> M >> s)) return 1;
    vector<long long> a(n);
    for (auto& v : a) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        v = (long long)((s >> 33) % (unsigned long long)(2 * M + 1)) - M;
    }
    long long cnt = 0;
    for (long long i = 0; i < n; ++i)
        for (long long j = i + 1; j < n; ++j)
            if (a[i] + a[j] <= X) ++cnt;
    cout << cnt << "\n";
}
