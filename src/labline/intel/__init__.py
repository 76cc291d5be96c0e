"""Document intelligence: Chinese and English policy and news, searched and read as digests."""
