// "返回上一页" on the error pages: a link to the home page that goes back instead when the tab
// has somewhere to go back to. A file, not an inline handler: the Content-Security-Policy allows
// only this site's own scripts.
document.querySelectorAll("a[data-history-back]").forEach(function (link) {
  if (window.history.length < 2) return;
  link.hidden = false;
  link.addEventListener("click", function (event) {
    event.preventDefault();
    window.history.back();
  });
});
