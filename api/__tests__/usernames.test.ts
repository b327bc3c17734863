import { normaliseUsername, usernameSkeleton } from '../usernames';

describe('usernames', () => {
  it('when a name differs from another only by case, look-alike characters or separators, then their skeletons are equal', () => {
    for (const lookAlike of ['Alice', 'ALICE', 'a1ice', 'al1ce', 'ALICE', 'a.lice', 'a_l-i_c_e']) expect(usernameSkeleton(lookAlike)).toBe(usernameSkeleton('alice'));
    for (const lookAlike of ['Organiser', 'ORGANISER', '0rganiser', 'organ1ser', 'organlser', 'Organ1ser']) expect(usernameSkeleton(lookAlike)).toBe(usernameSkeleton('organiser'));
    expect(usernameSkeleton('modern')).toBe(usernameSkeleton('rnodern'));
  });

  it('when names are really different, then their skeletons differ', () => {
    expect(usernameSkeleton('alice')).not.toBe(usernameSkeleton('alina'));
    expect(usernameSkeleton('bob')).not.toBe(usernameSkeleton('rob'));
    // numbered names, as classes and bots use them, stay apart
    const numbered = Array.from({ length: 100 }, (_, i) => usernameSkeleton(`trader${i}`));
    expect(new Set(numbered).size).toBe(100);
  });

  it('when a name is typed in full-width or compatibility characters, then it is normalised to what it shows', () => {
    expect(normaliseUsername('Ａｌｉｃｅ')).toBe('Alice');
    expect(normaliseUsername('ﬁsh')).toBe('fish');
    expect(usernameSkeleton('Ａｌｉｃｅ')).toBe(usernameSkeleton('alice'));
  });
});
