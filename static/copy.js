// "Copy" buttons: a button with data-copy="<id>" copies that element's text.
// Progressive enhancement: the button stays hidden where the Clipboard API is missing.
document.querySelectorAll("[data-copy]").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    const codes = [...source.querySelectorAll("code")].map((code) => code.textContent);
    await navigator.clipboard.writeText(codes.join("\n") + "\n");
    button.textContent = "Copied";
  });
});
