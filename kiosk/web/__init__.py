"""The web layer under the views: the server, its scheduler, headers, limits, a proxy in front, errors,
the page cache, compression, the vendor assets and what the log may say."""
