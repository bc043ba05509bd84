"""The censorship lab: network namespaces, a router that censors, and a fake world of servers."""
