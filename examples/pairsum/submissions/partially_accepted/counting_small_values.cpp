// Pair Sums -- subtasks 1+2 (50 points): counting over the value range [-M, M] with prefix sums,
// O(n + M) -- only meant for M <= 1e6; for larger M it prints 0 => WA on group 3.
#include <bits/stdc++.h>
using namespace std;
int main() {
    long long n, X, M;
    unsigned long long s;
    if (!(cin >> n >> X >> M >> s)) return 1;
    if (M > 1000000) { cout << 0 << "\n"; return 0; }
    vector<long long> a(n), pre(2 * M + 2, 0);  // pre[v + M + 1] = #elements <= v
    for (auto& v : a) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        v = (long long)((s >> 33) % (unsigned long long)(2 * M + 1)) - M;
        pre[v + M + 1]++;
    }
    for (long long v = 1; v < 2 * M + 2; ++v) pre[v] += pre[v - 1];
    auto atMost = [&](long long v) -> long long {  // #elements <= v
        if (v < -M) return 0;
        if (v > M) return n;
        return pre[v + M + 1];
    };
    long long twice = 0;  // ordered pairs i != j
    for (long long v : a) {
        twice += atMost(X - v);
        if (2 * v <= X) --twice;  // j == i
    }
    cout << twice / 2 << "\n";
}
