// Filled by the profile work (issue 4).
