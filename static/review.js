// The review screen's Listen buttons (templates/staff/review_message.html): the kiosk's own clips
// of a text, sentence after sentence, as a patient hears them. Shown only when they can work.
// The heading takes the focus when a message opens without a notice, so a keyboard or screen
// reader user starts at the message, not at the top bar.
const player = new Audio();
let queue = [];
const playNext = () => {
  const next = queue.shift();
  if (next) { player.src = next; player.play().catch(() => { queue = []; }); }
};
player.addEventListener("ended", playNext);
document.querySelectorAll("button.listen[data-clips]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => {
    player.pause();
    queue = JSON.parse(button.dataset.clips);
    playNext();
  });
});
if (!document.querySelector("[data-notice]")) document.getElementById("message-heading")?.focus();
