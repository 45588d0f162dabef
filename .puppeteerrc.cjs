// memlab (bench only) depends on puppeteer, whose install step downloads a browser.
// This machine has no route to that download, and Guppy never drives puppeteer's browser.
module.exports = { skipDownload: true };
