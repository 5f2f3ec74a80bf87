// Print what podcast-partytime reads from the RSS document on stdin, as JSON.
import { parseFeed } from "podcast-partytime";
import fs from "node:fs";

const feed = parseFeed(fs.readFileSync(0, "utf8"));
if (!feed) {
  console.error("podcast-partytime could not parse the feed");
  process.exit(1);
}
process.stdout.write(JSON.stringify(feed));
