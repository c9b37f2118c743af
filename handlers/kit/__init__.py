"""What every feature shares at Slack's edge: ids, Block Kit primitives, sealed metadata, the form
reader, the payload reader, replies, the /pact router and the words of refusal."""
