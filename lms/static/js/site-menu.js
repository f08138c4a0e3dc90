// The main menu. Loaded in <head>: the "js" class is set before the page is drawn, so a phone
// shows the menu collapsed behind its button at once (without JavaScript it is simply open).
// A staff drop-down closes when another opens, on a click elsewhere, and with Escape.
document.documentElement.classList.add('js');

document.addEventListener('DOMContentLoaded', () => {
  const button = document.querySelector('.menu-button[aria-controls]');
  const menu = button && document.getElementById(button.getAttribute('aria-controls'));
  const setMenu = (open) => {
    button.setAttribute('aria-expanded', String(open));
    menu.classList.toggle('is-open', open);
  };
  if (button && menu) {
    button.addEventListener('click', () => setMenu(button.getAttribute('aria-expanded') !== 'true'));
  }
  const groups = [...document.querySelectorAll('details.nav-group')];
  for (const group of groups) {
    group.addEventListener('toggle', () => {
      if (group.open) groups.forEach((other) => { if (other !== group) other.open = false; });
    });
  }
  document.addEventListener('click', (event) => {
    groups.forEach((group) => { if (group.open && !group.contains(event.target)) group.open = false; });
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const open = groups.find((group) => group.open);
    if (open) {
      open.open = false;
      open.querySelector('summary').focus();
    } else if (button && menu && menu.classList.contains('is-open') && button.offsetParent !== null) {
      setMenu(false);
      button.focus();
    }
  });
});
