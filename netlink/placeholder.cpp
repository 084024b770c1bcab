// Filled by the netlink work (issue 4).
