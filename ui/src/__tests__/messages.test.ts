import { orderKindText, reasonText, refusalText, statusText } from '../messages';

describe('the words the screen uses', () => {
  test('when engine names are shown, then they read as words', () => {
    expect(statusText('PARTIALLY_FILLED')).toBe('Partly filled');
    expect(statusText('PENDING')).toBe('Open');
    expect(reasonText('USER_CANCELLED')).toBe('cancelled by you');
    expect(reasonText('SESSION_CLOSED')).toBe('expired at the close');
    expect(orderKindText('MARKET', 'GFD')).toBe('Market, good for day');
    expect(orderKindText('LIMIT', 'IOC')).toBe('Limit, immediate or cancel');
  });

  test('when a refusal comes with the exchange sentence, then the sentence is shown, never a code', () => {
    expect(refusalText(4, 'Not enough cash: $1,000.00 needed, $0.00 available')).toBe('Not enough cash: $1,000.00 needed, $0.00 available');
    expect(refusalText(8, 'The session is closed')).toBe('The session is closed');
    expect(refusalText(20, '')).toBe('Too many requests; wait a moment');
    expect(refusalText(-1, 'The exchange cannot be reached (TypeError)')).toBe('The exchange cannot be reached (TypeError)');
    expect(refusalText(17, 'quantity: Expected number, received string')).toBe('Please check the form: quantity: Expected number, received string');
    expect(refusalText(999, 'odd')).toBe('odd');
    for (const text of [refusalText(4, 'x'), refusalText(26, ''), refusalText(18, 'Access token expired')]) expect(text).not.toMatch(/code \d/);
  });
});
