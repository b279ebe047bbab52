// "Copy BibTeX": copies the text of the element named by data-copy-target.
// The button stays hidden where the clipboard cannot be written.
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  for (const button of document.querySelectorAll("[data-copy-target]")) {
    const source = document.getElementById(button.dataset.copyTarget);
    if (!source) continue;
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Copy failed: select the text above";
      }
      setTimeout(() => { button.textContent = label; }, 2000);
    });
  }
});
