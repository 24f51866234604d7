// A recursive lambda through std::function, the way contest code writes a DFS: a random tree of
// n nodes whose depth is about n/2 (each node's parent is one of the two before it), walked 300 times.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    vector<vector<int>> adj(n);
    unsigned x = 7;
    for (int i = 1; i < n; ++i) {
        x = x * 1103515245u + 12345u;
        int p = i - 1 - int((x >> 8) % min(i, 2));
        adj[p].push_back(i);
        adj[i].push_back(p);
    }
    vector<long long> sub(n);
    long long total = 0;
    for (int r = 0; r < 300; ++r) {
        function<void(int, int, int)> dfs = [&](int v, int parent, int depth) {
            sub[v] = depth + r;
            for (int c : adj[v])
                if (c != parent) {
                    dfs(c, v, depth + 1);
                    sub[v] += sub[c];
                }
        };
        dfs(0, -1, 0);
        total += sub[0] % 1000000007;
    }
    printf("%lld\n", total);
}
